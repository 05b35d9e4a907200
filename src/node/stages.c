/* The stages of a national node, in the order they start, poll, receive dispatches, tick and stop
 * (and are destroyed in reverse). The order is the data flow: storage and the national domain
 * first (the others use them), then the sources (tracking, links), the picture (fusion), what goes
 * out (release, relay), and what is told (report, the public warnings, summary). */
#include "stage_int.h"

extern const struct tl__stage_ops tl__stage_storage, tl__stage_domain, tl__stage_tracking,
    tl__stage_links, tl__stage_fusion, tl__stage_release, tl__stage_relay, tl__stage_report,
    tl__stage_warn, tl__stage_summary;

const struct tl__stage_ops *const tl__node_stages[] = {
    &tl__stage_storage, &tl__stage_domain, &tl__stage_tracking, &tl__stage_links,
    &tl__stage_fusion,  &tl__stage_release, &tl__stage_relay,   &tl__stage_report,
    &tl__stage_warn,    &tl__stage_summary,
};
const int tl__node_n_stages = (int)(sizeof tl__node_stages / sizeof tl__node_stages[0]);
