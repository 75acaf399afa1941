/** Kafka's file connectors: FileStreamSource (tail a file) and FileStreamSink (append to one). */
package dev.sluice.connect.file;
