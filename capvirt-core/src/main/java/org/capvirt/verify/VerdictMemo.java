package org.capvirt.verify;

/**
 * Comparisons proven to find nothing, by their exact inputs: whether the other device programs in
 * force allow every request a definition's rules allow is a pure function of those rules and the
 * programs' instructions, so a start whose inputs are, byte for byte, those of an earlier start
 * need not interpret the instructions again. The programs are still read back from the kernel on
 * every start; only interpreting identical bytes is skipped. Keys are the full inputs, never a
 * digest of them.
 */
public interface VerdictMemo {
  /** No memo: every comparison is made. */
  VerdictMemo NONE =
      new VerdictMemo() {
        @Override
        public boolean provenSame(String inputs) {
          return false;
        }

        @Override
        public void rememberSame(String inputs) {}
      };

  /** Whether a comparison of exactly {@code inputs} found nothing before. */
  boolean provenSame(String inputs);

  /** Remembers that the comparison of {@code inputs} found nothing. */
  void rememberSame(String inputs);
}
