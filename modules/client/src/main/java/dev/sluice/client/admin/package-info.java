/**
 * Administration: {@link dev.sluice.client.admin.SluiceAdmin} creates, deletes, lists and
 * describes topics, adds partitions, describes configs and the cluster.
 */
package dev.sluice.client.admin;
