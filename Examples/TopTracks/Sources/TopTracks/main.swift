import Hummingbird
import TopTracksApp

// Step 7: run it. `SPOTIFY_CLIENT_ID=… SPOTIFY_CLIENT_SECRET=… swift run TopTracks`, then open
// http://127.0.0.1:8080/login.
let server = try TopTracksServer(configuration: try spotifyConfiguration())
try await server.application().runService()
