/** Sign in by pasting an API key or a JWT; sign out to call anonymously (as the demo allows). */
import { useId, useState, type FormEvent } from 'react';
import { credentialFrom, getCredential, identity, setCredential } from '../auth';
import { PageTitle } from '../components';
import { navigate } from '../router';

export function SignInPage() {
  const id = useId();
  const [pasted, setPasted] = useState('');
  const [problem, setProblem] = useState('');
  const who = identity(getCredential());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const credential = credentialFrom(pasted);
    if (!credential) {
      setProblem('Paste an API key or a JWT first.');
      return;
    }
    setCredential(credential);
    setPasted('');
    navigate('/console');
  };
  return (
    <>
      <PageTitle>Sign in</PageTitle>
      <p className="lede">
        You are calling as <strong>{who.label}</strong>. The key or token stays in this browser tab only and is sent
        to this gateway alone.
      </p>
      <form className="signin" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-secret`}>API key or JWT</label>
          <textarea id={`${id}-secret`} rows={4} value={pasted} autoComplete="off" spellCheck={false}
            aria-describedby={`${id}-hint`} aria-invalid={problem ? true : undefined}
            onChange={(event) => { setPasted(event.target.value); setProblem(''); }} />
          <span id={`${id}-hint`} className="hint">A JWT (three parts separated by dots) is sent as a bearer token; anything else as an API key.</span>
        </div>
        {problem ? <p className="field-error" role="alert">{problem}</p> : null}
        <div className="actions">
          <button type="submit">Sign in</button>
          {getCredential() ? (
            <button type="button" className="secondary" onClick={() => { setCredential(null); navigate('/console'); }}>
              Sign out
            </button>
          ) : null}
        </div>
      </form>
    </>
  );
}
