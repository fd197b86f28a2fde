/* A stand-in program image for the system-file tests: an ELF whose symbol
 * table has the variables the test systems ask `setvar` to rewrite. */
#include <stdint.h>
uintptr_t shared_vaddr;
uintptr_t shared_size;
uintptr_t shared_paddr;
uintptr_t timer_irq_id;
uintptr_t child_id;
int main(void) { return (int)(shared_vaddr + shared_size + shared_paddr + timer_irq_id + child_id); }
