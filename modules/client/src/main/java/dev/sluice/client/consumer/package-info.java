/** placeholder */
package dev.sluice.client.consumer;
