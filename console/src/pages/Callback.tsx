import { Alert, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { ConsoleConfig } from '../auth/config.ts';
import { completeSignIn } from '../auth/pkce.ts';
import { type Session, saveSession } from '../auth/session.ts';

/** The hosted sign-in's redirect back: the code exchanged (PKCE), the token kept for the tab. */
export default function Callback({ config, onSignedIn }: { config: ConsoleConfig; onSignedIn: (s: Session) => void }) {
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (config.auth.mode !== 'cognito') {
      navigate('/sign-in', { replace: true });
      return;
    }
    completeSignIn(config.auth, location.search).then(
      ({ accessToken, refreshToken }) => {
        const session = saveSession(accessToken, sessionStorage, refreshToken);
        if (!session) return setError('登录凭据无效：请重新登录。');
        onSignedIn(session);
        navigate('/', { replace: true });
      },
      (e: Error) => setError(e.message),
    );
  }, [config, navigate, onSignedIn]);
  return error ? <Alert type="error" message={error} showIcon style={{ margin: 48 }} /> : <Spin style={{ margin: 48 }} />;
}
