/* Stand-in for the generated boot archive (user/archive: boot_archive_blob)
 * in images whose root task needs none (self-tests, fault and FP tests):
 * an empty module, which the kernel does not hand to the root task. */
const unsigned char kaal_boot_archive[1] = { 0 };
const unsigned long kaal_boot_archive_size = 0;
