import Hummingbird
import NIOCore

/// Small generated SVG covers, so offline pages show pictures.
enum CoverImages {
    static func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/image/:key") { _, context -> Response in
            let key = context.parameters.get("key") ?? ""
            guard !key.isEmpty, key.utf8.count <= 64, key.utf8.allSatisfy({ RedirectMatching.isBase64URL($0) }) else {
                return Response(status: .notFound)
            }
            return Response(
                status: .ok,
                headers: [.contentType: "image/svg+xml", .cacheControl: "public, max-age=31536000, immutable", .accessControlAllowOrigin: "*"],
                body: .init(byteBuffer: ByteBuffer(string: svg(for: key)))
            )
        }
    }

    /// Two hues and a few shapes picked from a hash of the key: the same key, the same cover.
    static func svg(for key: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hue1 = Int(hash % 360)
        let hue2 = (hue1 + 40 + Int((hash >> 9) % 120)) % 360
        let cx = 20 + Int((hash >> 17) % 60)
        let cy = 20 + Int((hash >> 23) % 60)
        let r = 18 + Int((hash >> 29) % 22)
        let isUser = key.hasPrefix("user-")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="300" height="300">\
            <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">\
            <stop offset="0" stop-color="hsl(\(hue1),70%,55%)"/><stop offset="1" stop-color="hsl(\(hue2),65%,30%)"/>\
            </linearGradient></defs>\
            <rect width="100" height="100" fill="url(#g)"/>\
            \(isUser ? "<circle cx=\"50\" cy=\"40\" r=\"18\" fill=\"rgba(255,255,255,.8)\"/><ellipse cx=\"50\" cy=\"88\" rx=\"32\" ry=\"24\" fill=\"rgba(255,255,255,.8)\"/>" : "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"\(r)\" fill=\"rgba(255,255,255,.25)\"/><rect x=\"\(100 - cx)\" y=\"\(100 - cy)\" width=\"\(r)\" height=\"\(r)\" fill=\"rgba(0,0,0,.2)\" transform=\"rotate(\(hue1 % 90) 50 50)\"/>")\
            </svg>
            """
    }
}
