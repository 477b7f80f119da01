import { Spin } from 'antd';

/** What a lazily loaded page shows while its chunk loads (every shell's Suspense fallback). */
export const Loading = () => (
  <div style={{ padding: 48, textAlign: 'center' }}>
    <Spin tip="加载中…">
      <span />
    </Spin>
  </div>
);
