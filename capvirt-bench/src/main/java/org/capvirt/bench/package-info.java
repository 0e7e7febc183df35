/**
 * JMH benchmarks of the policy engine. Reads libvirt's corpus in place (I/O in setup only); built
 * by {@code mvn verify}, run by hand with {@code java -jar capvirt-bench/target/benchmarks.jar}.
 */
package org.capvirt.bench;
