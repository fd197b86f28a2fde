/* Capabilities demo (issue 3): written once the CNode wrappers land. */
#include "roottask.h"

int caps_demo(root_alloc_t *a)
{
    (void)a;
    return 0;
}
