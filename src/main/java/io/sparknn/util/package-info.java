/**
 * Internal helpers shared by every stage: schema checks with uniform error messages ({@link
 * io.sparknn.util.SchemaChecks}) and the single adapter to Spark's internal persistence helpers ({@link
 * io.sparknn.util.Persistence}).
 */
package io.sparknn.util;
