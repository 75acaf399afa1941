/** The worker: plugins, connector and task life cycles, offsets, error handling; shared by both modes. */
package dev.sluice.connect.runtime;
