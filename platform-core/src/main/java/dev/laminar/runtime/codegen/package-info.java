/**
 * Code generation for the runtime: filters and projections ({@code CalcNode}) compiled to one Java
 * class each with Janino, checked against the {@code runtime.expr} interpreter by differential tests.
 */
package dev.laminar.runtime.codegen;
