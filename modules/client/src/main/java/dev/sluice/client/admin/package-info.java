/** placeholder */
package dev.sluice.client.admin;
