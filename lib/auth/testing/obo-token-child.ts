// Child process of azure-credential.test.ts: NODE_EXTRA_CA_CERTS (trust of the local token endpoint's
// self-signed certificate) is read only at process start. Prints the token or the error as one JSON line.
import { readAuthSettings } from "../settings";
import { userAzureCredential } from "../azure-credential";

async function main() {
  const settings = readAuthSettings(process.env);
  try {
    const credential = userAzureCredential(settings, { accessToken: process.env.TEST_USER_ASSERTION });
    if (!credential) {
      console.log(JSON.stringify({ credential: "app-identity" }));
      return;
    }
    const token = await credential.getToken("https://management.azure.com/.default");
    console.log(JSON.stringify({ credential: credential.constructor.name, token: token?.token, expires: token?.expiresOnTimestamp }));
  } catch (error) {
    console.log(JSON.stringify({ error: (error as Error).message }));
  }
}

void main();
