import Foundation
import QDAStore
import Testing

@Suite struct PrefetcherTests {
  struct Broken: Error, Equatable { var at: Int }

  /// Every element the prefetcher hands over before it throws `error`.
  func drain(_ prefetcher: Prefetcher<Int>, failingWith error: Broken) -> [Int]
  {
    var seen: [Int] = []
    #expect(throws: error) {
      while let element = try prefetcher.next() { seen.append(element) }
    }
    return seen
  }

  @Test func elementsComeInOrderThenTheEnd() throws {
    var next = 0
    let prefetcher = Prefetcher<Int>(batchSize: 7, depth: 2) {
      next += 1
      return next <= 1_000 ? next : nil
    }
    var seen: [Int] = []
    while let element = try prefetcher.next() { seen.append(element) }
    #expect(seen == Array(1...1_000))
    #expect(try prefetcher.next() == nil)
  }

  @Test func anErrorComesAfterTheElementsBeforeIt() throws {
    var next = 0
    let prefetcher = Prefetcher<Int>(batchSize: 4, depth: 1) {
      next += 1
      if next == 10 { throw Broken(at: next) }
      return next
    }
    #expect(drain(prefetcher, failingWith: Broken(at: 10)) == Array(1...9))
  }

  /// A consumer that stops early (an import that failed) stops the
  /// producer, which is not called again once `finish()` returns.
  @Test func finishStopsAProducerThatWouldGoOnForever() throws {
    let calls = Counter()
    let prefetcher = Prefetcher<Int>(batchSize: 16, depth: 2) {
      calls.increment()
      return 1
    }
    #expect(try prefetcher.next() == 1)
    prefetcher.finish()
    let after = calls.value
    Thread.sleep(forTimeInterval: 0.05)
    #expect(calls.value == after)
    #expect(after <= 16 * 4)
  }
}

extension PrefetcherTests {
  final class Token {}

  /// A consumer that lets the prefetcher go without `finish()` (a caller
  /// that threw) stops the producer all the same: its thread ends and
  /// releases the producer, rather than waiting forever to hand over a
  /// batch.
  @Test func aPrefetcherLetGoOfStopsItsProducer() throws {
    weak var released: Token?
    do {
      let token = Token()
      released = token
      let prefetcher = Prefetcher<Int>(batchSize: 4, depth: 1) { [token] in
        withExtendedLifetime(token) { 1 }
      }
      #expect(try prefetcher.next() == 1)
    }
    #expect(released == nil)
  }

  @Test func aPushingProducerHandsItsElementsThenItsError() throws {
    let prefetcher = Prefetcher<Int>(batchSize: 4, depth: 1) { yield in
      for element in 1...9 where !yield(element) { return }
      throw Broken(at: 10)
    }
    #expect(drain(prefetcher, failingWith: Broken(at: 10)) == Array(1...9))
  }

  /// `yield` says `false` once the consumer has stopped, and the producer
  /// returns: it would otherwise push forever.
  @Test func aPushingProducerReturnsWhenTheConsumerStops() throws {
    let calls = Counter()
    let returned = Counter()
    let prefetcher = Prefetcher<Int>(batchSize: 8, depth: 2) { yield in
      defer { returned.increment() }
      var element = 0
      repeat {
        calls.increment()
        element += 1
      } while yield(element)
    }
    #expect(try prefetcher.next() == 1)
    #expect(try prefetcher.next() == 2)
    prefetcher.finish()
    #expect(returned.value == 1)
    let after = calls.value
    Thread.sleep(forTimeInterval: 0.05)
    #expect(calls.value == after)
    #expect(after <= 8 * 4)
  }
}

/// A count shared with the producer's thread.
final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0

  func increment() { lock.withLock { count += 1 } }

  var value: Int { lock.withLock { count } }
}
