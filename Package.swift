// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "qda",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "qda", targets: ["qda"]),
    .library(name: "QDAImport", targets: ["QDAImport"]),
    .library(name: "QDACodebook", targets: ["QDACodebook"]),
    .library(name: "QDAStore", targets: ["QDAStore"]),
    .library(name: "QDACoding", targets: ["QDACoding"]),
    .library(name: "QDAReport", targets: ["QDAReport"]),
    .library(name: "QDAAgreement", targets: ["QDAAgreement"]),
    .library(name: "QDAExchange", targets: ["QDAExchange"]),
  ],
  dependencies: [
    .package(
      url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.0"),
  ],
  targets: [
    .target(
      name: "QDAImport",
      dependencies: [
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .target(
      name: "QDACodebook",
      dependencies: [
        .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    .target(
      name: "QDAStore",
      dependencies: [
        "CSQLiteSetup",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]
    ),
    .target(
      name: "CSQLiteSetup",
      linkerSettings: [.linkedLibrary("sqlite3")]
    ),
    .target(name: "QDACoding", dependencies: ["QDACodebook", "QDAStore"]),
    .target(name: "QDAReport", dependencies: ["QDAStore", "QDAAgreement"]),
    .target(name: "QDAAgreement"),
    .target(
      name: "QDAProject",
      dependencies: [
        "QDAImport", "QDACodebook", "QDAStore", "QDACoding", "QDAReport",
        "QDAExchange",
        "QDAThematicReport", .product(name: "Yams", package: "Yams"),
      ]
    ),
    .target(
      name: "QDAThematicReport",
      dependencies: [
        "QDACodebook", "QDAStore", "QDACoding", "QDAReport", "QDAAgreement",
      ]
    ),
    .target(
      name: "QDAExchange",
      dependencies: [
        "QDACodebook", "QDAImport", "QDAStore",
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    .executableTarget(
      name: "qda",
      dependencies: [
        "QDAImport", "QDACodebook", "QDAStore", "QDACoding", "QDAReport",
        "QDAAgreement", "QDAExchange", "QDAThematicReport", "QDAProject",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      // jemalloc as the process's allocator on Linux (Debian's
      // libjemalloc-dev): glibc's malloc and free were a tenth of a bulk
      // load's CPU, most of it blocks made on one thread and freed on
      // another. See Benchmarks/README.md.
      linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
    ),
    .target(name: "QDATestSupport", path: "Sources/QDATestSupport"),
    .testTarget(
      name: "QDAImportTests",
      dependencies: [
        "QDAImport", "QDATestSupport",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "QDACodebookTests", dependencies: ["QDACodebook", "QDATestSupport"]),
    .testTarget(
      name: "QDAStoreTests",
      dependencies: [
        "QDAStore", "QDATestSupport",
        .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    .testTarget(
      name: "QDACodingTests",
      dependencies: [
        "QDACoding", "QDACodebook", "QDAImport", "QDAStore", "QDATestSupport",
      ],
      exclude: ["Fixtures"]
    ),
    .testTarget(
      name: "QDAReportTests", dependencies: ["QDAReport", "QDATestSupport"]),
    .testTarget(
      name: "QDAAgreementTests",
      dependencies: ["QDAAgreement", "QDATestSupport"]),
    .testTarget(
      name: "qdaTests",
      dependencies: [
        "QDAAgreement", "QDAProject", "QDATestSupport", "QDAImport",
        "QDACodebook", "QDAExchange",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      exclude: ["Golden", "Fixtures"]
    ),
  ]
)
