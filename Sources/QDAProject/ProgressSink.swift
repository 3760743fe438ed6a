/// Where long work reports how far it got; the command line draws it as a
/// bar on a terminal and drops it otherwise.
public struct ProgressSink {
  /// Called with the number of items done and, when known, the share done
  /// (0 to 1).
  public var update: (_ done: Int, _ fraction: Double?) -> Void
  /// Called once when the work ends.
  public var finish: () -> Void

  /// Creates a sink from its two callbacks.
  public init(
    update: @escaping (_ done: Int, _ fraction: Double?) -> Void,
    finish: @escaping () -> Void
  ) {
    self.update = update
    self.finish = finish
  }

  /// A sink that ignores everything.
  public static var silent: ProgressSink {
    ProgressSink(update: { _, _ in }, finish: {})
  }
}
