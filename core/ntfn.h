/* Notifications: a word of signal bits and a queue of waiters. */
#ifndef KAAL_NTFN_H
#define KAAL_NTFN_H

#include "kernel.h"

/* OR badge into n's word, or wake the first waiter (or the bound thread
 * blocked in Recv) with it. */
void ntfn_signal(notification_t *n, word_t badge);

#endif
