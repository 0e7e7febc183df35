package org.capvirt.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A command runner that records each command and answers from a function. */
final class RecordingRunner implements CommandRunner {
  final List<Command> commands = new ArrayList<>();
  private final Function<List<String>, Completed> answer;

  RecordingRunner(Function<List<String>, Completed> answer) {
    this.answer = answer;
  }

  @Override
  public Completed run(Command command) {
    commands.add(command);
    return answer.apply(command.argv());
  }
}
