package dev.laminar.sdk.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A stable SDK type: binary- and source-compatible across minor versions. Changing it incompatibly is a deliberate decision recorded in the API gate (sdk/src/test/resources/api.txt) and a major version. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD, ElementType.PACKAGE})
@Stable
public @interface Stable {}
