// The service under load: POST /v1/sign and POST /v1/verify with 1-page PDFs, autocannon on loopback.
// Filled in once @kyso/server exposes a programmatic start; until then it measures nothing and says so.
export async function serviceBench() {
  console.error('service benchmark: not measured (no @kyso/server start function yet)');
  return [];
}
