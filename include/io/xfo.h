/* SPDX-License-Identifier: MIT */
/*
 * io/xfo.h: the xenstore handshake between a PV guest's xfo module and
 * the control domain, in the manner of Xen's public/io/ headers (as
 * io/displif.h names its keys). The pages and the op it leads to are in
 * ../xfo.h (struct xfo_op_guest_areas); docs/guest.md tells the story.
 *
 * Directory: XFO_XS_DIR, relative to the guest's home
 * /local/domain/<domid>, so the guest can write it (like all of data/).
 * Values are decimal without sign or leading zeros unless said otherwise.
 *
 * Written by the guest:
 *   XFO_XS_STATE             the guest's state, one of XFO_XS_STATE_*
 *   XFO_XS_VERSION           XFO_INTERFACE_VERSION, as "0x%08x"
 *   XFO_XS_REGION_TABLE      frame of the region table page
 *   XFO_XS_POOL_RING         frame of the pool ring page
 *   XFO_XS_COMPLETION_RING   frame of the completion ring page
 *   XFO_XS_EVTCHN            event channel port Xen notifies for refills,
 *                            unbound, offered to the control domain
 *
 * Written by the control domain:
 *   XFO_XS_BACKEND_STATE     its answer: CONNECTED once Xen has mapped the
 *                            areas; CLOSED when it refused them or has
 *                            disconnected them
 *   XFO_XS_BACKEND_ERROR     why, with CLOSED; free text
 *
 * States are XenbusState numbers (Xen's public/io/xenbus.h). The guest
 * removes a stale answer, writes its keys in INITIALISING, then moves to
 * INITIALISED. The control domain checks the keys, issues
 * XFOOP_map_guest_areas and answers; on CONNECTED the guest moves to
 * CONNECTED. On CLOSED while connected the guest unmaps its areas itself
 * (XFOOP_unmap_guest_areas) and offers them again in INITIALISED. To
 * leave, the guest writes CLOSING, unmaps, and writes CLOSED before it
 * frees the pages. A guest without an answer works without offload.
 */

#ifndef __XFO_PUBLIC_IO_XFO_H__
#define __XFO_PUBLIC_IO_XFO_H__

#define XFO_XS_DIR                "data/xfo"

#define XFO_XS_STATE              "state"
#define XFO_XS_VERSION            "version"
#define XFO_XS_REGION_TABLE       "region-table-frame"
#define XFO_XS_POOL_RING          "pool-ring-frame"
#define XFO_XS_COMPLETION_RING    "completion-ring-frame"
#define XFO_XS_EVTCHN             "event-channel"
#define XFO_XS_BACKEND_STATE      "backend-state"
#define XFO_XS_BACKEND_ERROR      "backend-error"

/* XenbusState numbers; xfo's parties use no others. */
#define XFO_XS_STATE_UNKNOWN      0   /* nothing written yet */
#define XFO_XS_STATE_INITIALISING 1
#define XFO_XS_STATE_INITWAIT     2   /* not used by xfo */
#define XFO_XS_STATE_INITIALISED  3
#define XFO_XS_STATE_CONNECTED    4
#define XFO_XS_STATE_CLOSING      5
#define XFO_XS_STATE_CLOSED       6
#define XFO_XS_STATE_MAX          6   /* the highest a party may write */

#endif /* __XFO_PUBLIC_IO_XFO_H__ */
