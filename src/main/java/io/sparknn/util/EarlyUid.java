package io.sparknn.util;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The uid of a stage while its Spark superclass is being constructed. Spark's shared params ({@code featuresCol},
 * {@code thresholds}, ...) are created by Scala trait initializers that run inside the superclass constructor and
 * record {@code parent.uid()}. A Scala class assigns its {@code uid} field before that call; Java cannot assign a
 * field before {@code super()}, so a Java stage's {@code uid()} would still return null there (the cause of
 * "params with a null parent" when a Java class extends {@code ProbabilisticClassifier}). A Java stage therefore
 * constructs as {@code Stage(String uid) { this(EarlyUid.hold(uid)); }} and
 * {@code private Stage(EarlyUid.Held h) { super(); this.uid = h.release(); }}, and its {@code uid()} returns
 * {@code uid != null ? uid : EarlyUid.pending()}.
 */
public final class EarlyUid {
  private EarlyUid() {}

  private static final ThreadLocal<Deque<String>> PENDING = ThreadLocal.withInitial(ArrayDeque::new);

  /** Holds {@code uid} for the constructor about to run on this thread. */
  public static Held hold(String uid) {
    if (uid == null) {
      throw new IllegalArgumentException("a stage's uid must not be null");
    }
    PENDING.get().push(uid);
    return new Held(uid);
  }

  /** The uid of the innermost stage under construction on this thread (null if none). */
  public static String pending() {
    return PENDING.get().peek();
  }

  /** A uid held for one constructor. */
  public static final class Held {
    private final String uid;

    private Held(String uid) {
      this.uid = uid;
    }

    /** Ends the hold (call it right after {@code super()}) and returns the uid. */
    public String release() {
      Deque<String> d = PENDING.get();
      if (uid.equals(d.peek())) {
        d.pop();
      }
      return uid;
    }
  }
}
