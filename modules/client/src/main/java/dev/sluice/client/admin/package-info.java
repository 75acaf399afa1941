/**
 * Administration: {@link dev.sluice.client.admin.SluiceAdmin} creates, deletes, lists and
 * describes topics, adds partitions, looks up partition offsets, describes configs and the
 * cluster, and lists, describes, deletes consumer groups and reads or changes their offsets.
 */
package dev.sluice.client.admin;
