/*
 * The abstraction function: the core's state as the model represents it
 * (model/abstract.c, docs/model.md). Hosted builds only.
 */
#ifndef KAAL_MODEL_ABSTRACT_H
#define KAAL_MODEL_ABSTRACT_H

#include "model.h"

/* Fill m with the abstraction of the live kernel state (ks). */
void model_abstract(m_state_t *m);
/* Words of RAM at paddr (128 of them readable), or NULL: the model's
 * m_phys_fn on the hosted machine. */
const uint64_t *model_phys_words(uint64_t paddr);
/* The model's id of a kernel thread (its TCB's physical address). */
uint64_t model_thread_id(const void *tcb);

#endif
