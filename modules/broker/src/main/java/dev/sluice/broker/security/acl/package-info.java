/**
 * The built-in ACL authorizer (Kafka's model; {@link dev.sluice.broker.security.acl.AclAuthorizer}): ACLs in
 * the cluster metadata store, every broker's copy in memory ({@link dev.sluice.broker.security.acl.AclIndex})
 * with its decisions cached.
 */
package dev.sluice.broker.security.acl;
