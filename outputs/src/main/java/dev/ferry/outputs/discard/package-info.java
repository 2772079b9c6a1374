/**
 * Fluent Bit's {@code null} output ({@code null} is a Java keyword, hence the package name): records are
 * counted and discarded.
 */
package dev.ferry.outputs.discard;
