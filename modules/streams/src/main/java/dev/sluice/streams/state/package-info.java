/**
 * State stores: key-value, window and session stores, in memory or on LMDB
 * ({@link dev.sluice.streams.state.StoreType}), each backed by a changelog topic.
 */
package dev.sluice.streams.state;
