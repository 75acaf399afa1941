/** Kafka Connect's REST interface over the JDK's HTTP server. */
package dev.sluice.connect.rest;
