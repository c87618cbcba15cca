/* refs — what an article names beyond its own page (issue 16): the plan
 * activities it reports (`activity: "175/KH-BGDĐT#3"`) and the model
 * practices it shows (`models:`). Checked once every page is loaded; a
 * name that matches nothing, or a model title close to another but not
 * equal, is a warning at file:line naming the closest match: the article
 * is still published (the report just misses it). */
#ifndef LOA_REFS_H
#define LOA_REFS_H

struct diag_list;
struct site;

/* Warns about activity references to an unknown plan or activity and
 * about near-duplicate model titles (a small edit distance once folded). */
void refs_check(struct site *s, struct diag_list *d);

#endif
