package org.capvirt.driver;

/**
 * How a {@code shutdown} ended.
 *
 * @param mode how the init was asked to stop
 * @param request what was sent ({@code SIGRTMIN+3}, {@code SIGTERM}, {@code initctl runlevel 0})
 * @param killed whether the init did not stop in time and got SIGKILL
 */
public record Stopped(ShutdownMode mode, String request, boolean killed) {}
