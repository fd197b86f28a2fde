/* Stand-in for the generated root-task array when the build has none: an
 * empty image, which kaal_boot() refuses with a message. */
const unsigned char kaal_roottask_elf[1] = { 0 };
const unsigned long kaal_roottask_elf_size = 0;
