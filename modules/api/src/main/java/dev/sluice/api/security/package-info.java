/** Security types shared by the broker and plugins: who a client is ({@link dev.sluice.api.security.KafkaPrincipal}). */
package dev.sluice.api.security;
