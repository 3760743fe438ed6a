import Testing

@testable import QDAStore

/// Which ids count as following one another (`UnitOrder.follows`).
@Suite struct UnitOrderTests {
  @Test(arguments: [
    // SQLite's text order.
    ("N0000001", "N0000002", true), ("a", "b", true), ("x:5", "y:3", true),
    ("chat:19", "chat:2", true), ("b", "a", false), ("a", "a", false),
    // Numbers counted up after the same text.
    ("chat:9", "chat:10", true), ("chat:99", "chat:100", true),
    ("chat:9", "chat:123456", true), ("9", "10", true),
    ("чат:9", "чат:10", true),
    // Counted down (and before in text order too), equal, or after other
    // text.
    ("chat:20", "chat:19", false), ("chat:100", "chat:1", false),
    ("chat:10", "chat:10", false), ("chau:9", "chat:10", false),
    ("chat:x9", "chat:10", false), ("chat:9", "cha:10", false),
    ("chat:9", "chat:10x", false),
    // Leading zeros are text, as SQLite sorts them.
    ("chat:9", "chat:010", false), ("chat:09", "chat:10", true),
    ("chat:09", "chat:100", true), ("chat:9", "chat:0", false),
    // No number.
    ("chat:b", "chat:a", false), ("chat:9", "chat:", false),
  ])
  func follows(last: String, id: String, expected: Bool) {
    #expect(UnitOrder.follows(last, id) == expected, "\(last) → \(id)")
  }
}
