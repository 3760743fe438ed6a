import Foundation

/// Runs a producer on a thread of its own, a few batches ahead of the
/// consumer: reading and parsing a file, or reading units from the database,
/// on one core while the other writes to the database.
///
/// The producer is only ever called from that thread; what it throws is
/// thrown to the consumer, in order, after the elements before it.
/// ``finish()`` (also run on deinit) stops the producer and waits for it, so
/// nothing it touches is used by two threads at once. The thread holds what
/// it shares with the consumer (a `Channel`), not the prefetcher, so a
/// prefetcher let go of early is deinitialised, which stops its producer:
/// a thread that held the prefetcher waited forever to hand over a batch.
public final class Prefetcher<Element>: @unchecked Sendable {
  /// The batch being taken from, each element in an optional so that the
  /// consumer can move it out (`take()`) rather than copy it: a copy
  /// retains every reference the element holds, and the batch then
  /// releases them again.
  private var current: [Element?] = []
  private var index = 0
  private let channel: Channel

  /// Starts producing by pulling.
  ///
  /// - Parameters:
  ///   - batchSize: Elements handed over at a time.
  ///   - depth: Batches the producer may be ahead.
  ///   - produce: Returns the next element, `nil` at the end.
  public convenience init(
    batchSize: Int = 256, depth: Int = 8,
    produce: @escaping () throws -> Element?
  ) {
    self.init(batchSize: batchSize, depth: depth) { yield in
      while let element = try produce() {
        guard yield(consume element) else { return }
      }
    }
  }

  /// Starts producing by pushing.
  ///
  /// `fill` calls `yield` with each element in order, and returns at the end
  /// or as soon as `yield` returns `false` (the consumer has stopped).
  /// `yield` takes the element over, so the producer's last use of it moves
  /// it into the batch; a borrowed element was copied, retaining every
  /// reference it holds, to be released again when the producer's own copy
  /// ended.
  ///
  /// - Parameters:
  ///   - batchSize: Elements handed over at a time.
  ///   - depth: Batches the producer may be ahead.
  ///   - fill: Yields every element.
  public init(
    batchSize: Int = 256, depth: Int = 8,
    fill: @escaping (_ yield: (consuming Element) -> Bool) throws -> Void
  ) {
    channel = Channel(depth: depth, fill: fill)
    let thread = Thread { [channel] in channel.run(batchSize: batchSize) }
    thread.stackSize = 8 << 20
    thread.start()
  }

  deinit { finish() }

  /// The next element, `nil` at the end.
  ///
  /// - Throws: What the producer threw, once the elements before it are taken.
  public func next() throws -> Element? {
    if index < current.count {
      defer { index += 1 }
      return current[index].take()
    }
    guard let batch = try channel.take() else { return nil }
    current = batch
    index = 1
    return current[0].take()
  }

  /// Stops the producer (if it is still going) and waits until it has.
  public func finish() { channel.stop() }
}

extension Prefetcher {
  /// What the producing thread and the consumer share: the batches handed
  /// over, and how the producer stands.
  private final class Channel: @unchecked Sendable {
    // Sendable: every variable is read and written under `condition`, but
    // `fill`, which only the producing thread calls.
    private let condition = NSCondition()
    /// Batches handed over and not yet taken.
    private var ready: [[Element?]] = []
    private var isDone = false
    private var failure: Error?
    private var isStopped = false
    private var isRunning = true
    private let depth: Int
    /// The producer, until it has returned or thrown.
    private var fill: (((consuming Element) -> Bool) throws -> Void)?

    init(
      depth: Int,
      fill: @escaping (_ yield: (consuming Element) -> Bool) throws -> Void
    ) {
      self.depth = depth
      self.fill = fill
    }

    /// The producing thread's work.
    func run(batchSize: Int) {
      // `fill` is released at the end of this scope, before `stop()` can
      // return.
      if let fill {
        var batch: [Element?] = []
        batch.reserveCapacity(batchSize)
        var isOpen = true
        do {
          try fill { (element: consuming Element) in
            guard isOpen else { return false }
            batch.append(element)
            if batch.count == batchSize {
              isOpen = hand(batch)
              batch = []
              batch.reserveCapacity(batchSize)
            }
            return isOpen
          }
          if isOpen { _ = hand(batch) }
        } catch {
          if isOpen { _ = hand(batch) }
          condition.lock()
          failure = error
          condition.unlock()
        }
      }
      condition.lock()
      fill = nil
      isDone = true
      isRunning = false
      condition.broadcast()
      condition.unlock()
    }

    /// Hands a batch to the consumer; `false` once the consumer has
    /// stopped.
    private func hand(_ batch: [Element?]) -> Bool {
      condition.lock()
      defer { condition.unlock() }
      while ready.count >= depth && !isStopped { condition.wait() }
      if isStopped { return false }
      if !batch.isEmpty { ready.append(batch) }
      condition.broadcast()
      return true
    }

    /// The next batch, `nil` at the end.
    ///
    /// - Throws: What the producer threw, once the batches before it are
    ///   taken.
    func take() throws -> [Element?]? {
      condition.lock()
      defer { condition.unlock() }
      while ready.isEmpty && !isDone { condition.wait() }
      if ready.isEmpty {
        if let failure { throw failure }
        return nil
      }
      let batch = ready.removeFirst()
      condition.broadcast()
      return batch
    }

    /// Stops the producer (if it is still going) and waits until it has.
    func stop() {
      condition.lock()
      isStopped = true
      condition.broadcast()
      while isRunning { condition.wait() }
      condition.unlock()
    }
  }
}
