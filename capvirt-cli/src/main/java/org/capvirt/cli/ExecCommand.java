package org.capvirt.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.capvirt.model.ExecRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code exec [-t] [-i] [--user U[:G]] [--env K=V]... [--workdir DIR] NAME -- CMD...}: a command
 * inside a running domain with its capability sets, cgroup and namespaces; exits with the command's
 * status (127 when it does not exist, 126 when it cannot be run).
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "exec",
    description = "Run a command inside a running domain with its capability sets and cgroup.")
final class ExecCommand implements Callable<Integer> {
  @Mixin DriverOptions opts;

  @Option(
      names = {"-t", "--tty"},
      description = "Give the command a pseudo-terminal (stdin and stdout are this terminal).")
  boolean tty;

  @Option(
      names = {"-i", "--interactive"},
      description = "Pass stdin to the command (without it, the command reads /dev/null).")
  boolean interactive;

  @Option(
      names = {"-u", "--user"},
      paramLabel = "USER[:GROUP]",
      description = "Run as this user (a name in the container's /etc/passwd, or a number).")
  Optional<String> user;

  @Option(
      names = {"-e", "--env"},
      paramLabel = "NAME=VALUE",
      description = "Add to the init's environment (repeatable).")
  List<String> env = new ArrayList<>();

  @Option(
      names = {"-w", "--workdir"},
      paramLabel = "DIR",
      description = "Working directory inside the container.")
  Optional<String> workdir;

  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "Command.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    for (String e : env) {
      if (e.indexOf('=') <= 0) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this), "--env wants NAME=VALUE, got '" + e + "'");
      }
    }
    return opts.driver().exec(name, new ExecRequest(command, tty, interactive, user, env, workdir));
  }
}
