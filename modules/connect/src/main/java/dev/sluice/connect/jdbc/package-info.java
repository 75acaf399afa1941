/** JDBC source (poll tables by an incrementing and/or timestamp column) and sink (insert or upsert, auto.create). */
package dev.sluice.connect.jdbc;
