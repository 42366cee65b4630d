/**
 * Shared Spark ML params: one factory ({@link io.sparknn.param.SharedParams}) defines each param once, with its
 * doc string and validator, and small {@code Has*} interfaces expose them the way Spark discovers params (a public
 * no-argument accessor). Java cannot implement Spark's own {@code HasInputCol} traits, so sparknn stages use these.
 */
package io.sparknn.param;
