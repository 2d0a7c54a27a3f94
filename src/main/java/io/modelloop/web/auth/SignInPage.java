package io.modelloop.web.auth;

/** The sign-in page and plain message pages, rendered on the server with every value escaped. */
public final class SignInPage {

    private SignInPage() {
    }

    public static String form(String csrf, String next, String user, String error) {
        String err = error == null ? "" : "<p class=\"error\" role=\"alert\" id=\"signin-error\">" + Html.escape(error) + "</p>";
        return head("Sign in") + """
                <main class="signin">
                  <form method="post" action="/signin" class="card" id="signin-form">
                    <h1><span class="logo">ModelLoop</span> sign in</h1>
                    %s
                    <label for="user">User name</label>
                    <input id="user" name="user" autocomplete="username" required autofocus value="%s">
                    <label for="password">Password</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required>
                    <input type="hidden" name="_csrf" value="%s">
                    <input type="hidden" name="next" value="%s">
                    <button type="submit" class="primary" id="signin-submit">Sign in</button>
                  </form>
                </main>
                </body></html>
                """.formatted(err, Html.escape(user), Html.escape(csrf), Html.escape(next));
    }

    public static String message(String title, String text, String link, String linkText) {
        return head(title) + "<main class=\"signin\"><div class=\"card\"><h1>" + Html.escape(title) + "</h1><p>"
                + Html.escape(text) + "</p><p><a href=\"" + Html.escape(link) + "\">" + Html.escape(linkText)
                + "</a></p></div></main></body></html>";
    }

    private static String head(String title) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Html.escape(title) + " · ModelLoop</title>"
                + "<link rel=\"stylesheet\" href=\"/assets/app.css\"><link rel=\"icon\" href=\"/assets/favicon.svg\"></head><body>";
    }
}
