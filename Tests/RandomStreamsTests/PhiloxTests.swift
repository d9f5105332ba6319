import Foundation
import RandomStreams
import Testing

@Suite struct PhiloxTests {
    struct Case: Decodable {
        struct Block: Decodable { let counter: [String]; let output: [String] }
        let key: [String]
        let blocks: [Block]
    }

    @Test func blocksMatchNumPysPhilox() throws {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("philox.json")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
        #expect(cases.count == 4)
        for c in cases {
            let key = (UInt64(c.key[0])!, UInt64(c.key[1])!)
            for block in c.blocks {
                let ctr = block.counter.map { UInt64($0)! }
                let out = Philox4x64.block(counter: (ctr[0], ctr[1], ctr[2], ctr[3]), key: key)
                #expect([out.0, out.1, out.2, out.3] == block.output.map { UInt64($0)! })
            }
        }
    }

    @Test func streamWalksTheCounter() {
        let key: (UInt64, UInt64) = (11, 22)
        let stream = PhiloxStream(key: key, substream: 3)
        let drawn = (0..<8).map { _ in stream.nextUInt64() }
        let b0 = Philox4x64.block(counter: (0, 0, 3, 0), key: key)
        let b1 = Philox4x64.block(counter: (1, 0, 3, 0), key: key)
        #expect(drawn == [b0.0, b0.1, b0.2, b0.3, b1.0, b1.1, b1.2, b1.3])
    }

    @Test func sameIdentityGivesSameBitsAndOthersDiffer() {
        let a = CellStreams(identity: "x").stream(for: .design).normals(100)
        let b = CellStreams(identity: "x").stream(for: .design).normals(100)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        let other = CellStreams(identity: "y").stream(for: .design).normals(100)
        #expect(a != other)
        let otherPurpose = CellStreams(identity: "x").stream(for: .noise).normals(100)
        #expect(a != otherPurpose)
    }

    @Test func streamKeyIsOrderIndependent() {
        let a = CellStreamKey().with("n", 10).with("d", 5).text
        let b = CellStreamKey().with("d", 5).with("n", 10).text
        #expect(a == b)
        #expect(a == "neural-recovery/cell-stream/1;d=5;n=10")
    }
}
