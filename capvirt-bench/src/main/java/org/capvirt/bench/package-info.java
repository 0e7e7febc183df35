/**
 * JMH benchmarks of the policy engine and of the XML layer (parse, format). Reads libvirt's corpus
 * in place (I/O in setup only); built by {@code mvn verify}, run by hand with {@code java -jar
 * capvirt-bench/target/benchmarks.jar} ({@code -prof gc} gives bytes per operation). {@link
 * ColdParse} times one parse and format in a fresh JVM.
 */
package org.capvirt.bench;
