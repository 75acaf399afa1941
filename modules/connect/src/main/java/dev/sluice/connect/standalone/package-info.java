/** The standalone worker: one process, configurations in memory, offsets in a file. */
package dev.sluice.connect.standalone;
