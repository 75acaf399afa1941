/**
 * Mirroring between clusters, MirrorMaker 2's job with its settings and internal topics: {@link
 * dev.sluice.connect.mirror.MirrorConfig} reads {@code mirror.properties}, {@link dev.sluice.connect.mirror.Mirror}
 * runs its flows (copying, restart-safe positions, offset syncs, consumer-group checkpoints).
 */
package dev.sluice.connect.mirror;
