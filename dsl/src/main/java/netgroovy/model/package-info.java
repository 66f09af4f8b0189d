/**
 * What netgroovy has built, as words plan from it: the {@link netgroovy.model.World}, its
 * records ({@link netgroovy.model.WorldCodec}) and what a statement changed of them
 * ({@link netgroovy.model.Ledger}), the state store that keeps them between runs and
 * processes ({@link netgroovy.model.StateStore}: a snapshot, a journal, a lock, the crash note;
 * its files kept open between statements by {@link netgroovy.model.KeptFile}, its records
 * written as JSON by {@link netgroovy.model.Json}), and the
 * marks left in the kernel from which the world is rebuilt when the store is gone
 * ({@link netgroovy.model.Marks}, with what containers leave in their files and processes,
 * {@link netgroovy.model.ContainerTraces}), and the comparison of a stored world with the
 * kernel that finds a stale store ({@link netgroovy.model.Staleness}). It speaks no netlink:
 * the session lends it the links.
 */
package netgroovy.model;
