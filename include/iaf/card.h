/* iaf/card.h - independence statements proposed from a dataset card
 * (`iaf card`, docs/method.md "Conditional independence").
 *
 * Pattern-based, never a guess: the template sentences of the
 * Nemotron-Personas cards and close variants ("A is/are (conditionally)
 * independent of B(,) given/conditional on C, D and E", "A and B are
 * independent given C", "X, Y and Z are assumed to independently influence
 * <outcome>") are found, and each card word is mapped to a column by a
 * stated rule (exact, singular, a listed synonym, a unique prefix) or left
 * unmapped. The proposals (one block per statement, with the sentence, its
 * line and every mapping) and a draft spec (YAML a user completes) are
 * appended to caller-owned buffers.
 */
#ifndef IAF_CARD_H
#define IAF_CARD_H

#include <stddef.h>

#include "iaf/buffer.h"
#include "iaf/defs.h"
#include "iaf/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* path: the card (UTF-8 text, a regular file of at most the card cap of
 * docs/reliability.md), named so in the outputs; columns: the dataset's
 * columns to map card words to (NULL: the columns the card's own "Schema"
 * line lists, when it has one). *nproposals (optional) receives the number
 * of statements found. */
IAF_API iaf_status iaf_card_propose(const char *path, const char *const *columns, size_t ncolumns,
                                    iaf_buffer *proposals, iaf_buffer *draft_spec,
                                    size_t *nproposals, iaf_error *err);

#ifdef __cplusplus
}
#endif
#endif
