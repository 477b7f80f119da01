import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { configureApi } from './api/client.ts';
import { refreshAccessToken } from './auth/pkce.ts';
import { refreshWorkerToken } from './auth/worker-sign-in.ts';
import { App } from './App.tsx';
import './index.css';
import { loadConfig } from './auth/config.ts';
import { loadSession, storedRole } from './auth/session.ts';
import { preloadPage } from './preload.ts';
import { prefetchQueue } from './queue-data.ts';

dayjs.locale('zh-cn');

preloadPage(location.pathname, loadSession() !== undefined);

const config = await loadConfig();
const { auth, workerAuth } = config;
// With Cognito, the 5-minute access tokens are renewed before they expire (auth/session.ts freshSession): a
// rider's through the workers' pool, anyone else's at the hosted sign-in's token endpoint.
configureApi(
  config.apiUrl,
  auth.mode === 'cognito'
    ? (refreshToken) => (storedRole() === 'worker' && workerAuth ? refreshWorkerToken(workerAuth, refreshToken) : refreshAccessToken(auth, refreshToken))
    : undefined,
);
// Only the staff who have a case queue: a platform or a rider reloading on /cases would fetch a 403.
const role = loadSession()?.claims.role;
if (role && !['platform', 'worker', 'finance'].includes(role)) prefetchQueue(location.pathname, location.search);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider
      locale={zhCN}
      button={{ autoInsertSpace: false }}
      theme={{
        token: { colorPrimary: '#1456b8', colorLink: '#1456b8', colorTextDescription: 'rgba(0, 0, 0, 0.65)', colorTextTertiary: 'rgba(0, 0, 0, 0.65)' },
      }}
    >
      <AntApp>
        <BrowserRouter>
          <App config={config} />
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
