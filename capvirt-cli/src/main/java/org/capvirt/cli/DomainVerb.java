package org.capvirt.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtException;
import org.capvirt.driver.Driver;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A lifecycle verb acting on one domain by NAME, with {@code --root} and {@code --runtime}. */
abstract class DomainVerb implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DriverOptions opts;

  @Parameters(index = "0", paramLabel = "NAME", description = "Domain name.")
  String name;

  /** Does the verb's work and returns its exit code. */
  abstract int run(Driver driver, PrintWriter out) throws CapvirtException;

  @Override
  public Integer call() throws CapvirtException {
    PrintWriter out = spec.commandLine().getOut();
    int code = run(opts.driver(), out);
    out.flush();
    return code;
  }
}
