package io.modelloop.cli;

import io.modelloop.config.Settings;
import io.modelloop.web.auth.WebAuthSettings;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * How the CLI signs its calls to a running ModelLoop: MODELLOOP_API_USER and MODELLOOP_API_PASSWORD
 * when set (a remote or shared instance), else the token the instance on this machine wrote to its
 * data folder (readable only by the user who started it).
 */
final class ApiCredentials {

    private ApiCredentials() {
    }

    static HttpRequest.Builder sign(HttpRequest.Builder request, Settings s) {
        String user = System.getenv("MODELLOOP_API_USER");
        String password = System.getenv("MODELLOOP_API_PASSWORD");
        if (user != null && !user.isBlank() && password != null) {
            return request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        Path token = WebAuthSettings.cliTokenFile(s);
        try {
            if (Files.isReadable(token)) {
                return request.header("Authorization", "Bearer " + Files.readString(token).strip());
            }
        } catch (IOException e) {
            // fall through: the server will answer 401 and the command says how to sign in
        }
        return request;
    }

    static String hint(Settings s) {
        return "the API refused the CLI's credentials: run it as the user who started ModelLoop with the same --data ("
                + WebAuthSettings.cliTokenFile(s) + "), or set MODELLOOP_API_USER and MODELLOOP_API_PASSWORD";
    }
}
