/** The distributed worker: a cluster of workers sharing a group, state in compacted internal topics. */
package dev.sluice.connect.distributed;
