package org.capvirt.net;

import java.util.List;
import org.capvirt.model.Problem;

/**
 * The attachments of a domain's interfaces, in document order, and what stops them (each problem at
 * its element); a domain with problems must not start.
 */
public record NetworkPlan(List<InterfacePlan> interfaces, List<Problem> problems) {
  public NetworkPlan {
    interfaces = List.copyOf(interfaces);
    problems = List.copyOf(problems);
  }

  /** The named networks the domain uses, each once, in first use order. */
  public List<String> networks() {
    return interfaces.stream().flatMap(i -> i.network().stream()).distinct().toList();
  }
}
