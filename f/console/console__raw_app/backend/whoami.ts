// Who is looking at the console: the app viewer (WM_END_USER_EMAIL, set for
// jobs started from an app) or, failing that, the job's own user.
export async function main() {
  const email = process.env.WM_END_USER_EMAIL || process.env.WM_EMAIL || "";
  return { email, username: email.split("@")[0] };
}
